from runink.cli.app import main

main()
