"""One function per figure: computed results in, a matplotlib ``Figure`` out."""
