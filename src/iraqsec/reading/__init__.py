"""Reading ledgers: the strict scanner and loader, ledger resolution, the cache, git diffs."""
