"""Only reached by Peewee migration 010 when `modelfile` has rows; catalog databases are empty."""


def parse_ollama_modelfile(text):
    raise RuntimeError('the catalog generator runs on empty databases; modelfile rows are not expected')
