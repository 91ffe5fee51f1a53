from dashboard.cli.main import main

raise SystemExit(main())
