"""Importers: outside data sets turned into hemscore profiles (World Bank WDI: :mod:`.wdi`)."""
