from tfc.cli import main

raise SystemExit(main())
