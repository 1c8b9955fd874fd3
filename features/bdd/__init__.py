"""The step vocabulary features are written in (see the README's "Steps you can use").

Steps never compute a result themselves: they write an extract file the way a source
system would, call the engine's public API (:func:`engine.run.check`), and read what it
returned. A mistake in a feature fails with the feature file and line, not a traceback.
"""
