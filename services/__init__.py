"""Pure rules and adapters: no Flask request objects here."""
