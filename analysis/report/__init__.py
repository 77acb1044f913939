"""How results are shown: the one ``setup()`` of every chapter, Altair charts (``figures``), pandoc
tables (``tables``), the frames the forest plots draw (``forest_frames``) and the formatted
display tables of the efficacy chapters (``efficacy_tables``). Pure functions of tidy frames; the
one number formatter is :mod:`analysis.format`, below every layer.
"""
