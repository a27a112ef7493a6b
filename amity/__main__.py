"""Run the `amity` command line (see amity.cli)."""

from amity.cli import main

if __name__ == "__main__":
    main()
