from .cli import entry_point

# Guarded: a process started with "spawn" (the validation report's checker) imports
# the main module again, and must not run the command a second time.
if __name__ == "__main__":
    entry_point()
