"""How to clean a page: chrome rules as data, and the functions that apply them."""
