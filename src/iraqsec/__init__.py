"""iraqsec: a sourced incident ledger of attacks on US and allied interests in Iraq."""

__version__ = "0.1.0"
