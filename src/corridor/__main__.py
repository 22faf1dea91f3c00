from corridor.cli import main

if __name__ == "__main__":  # guarded: child processes (spawn) import this module as __mp_main__
    main()
