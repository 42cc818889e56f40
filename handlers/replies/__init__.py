"""Reply wording, one module per handler, so staff can change a sentence without reading code."""
