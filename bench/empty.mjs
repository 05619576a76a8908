// Empty module: the start-up floor of `node script`.
