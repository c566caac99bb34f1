from figures import _main

raise SystemExit(_main())
