from iraqsec.cli import main

main()
