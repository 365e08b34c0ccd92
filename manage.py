#!/usr/bin/env python
"""Same as the `cshub` console script, for those who expect manage.py."""

from cshub.__main__ import main

if __name__ == "__main__":
    main()
