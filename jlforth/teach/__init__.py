"""Teaching: see what every line of Julia costs on a tiny chip.

* :mod:`.listing`  the program token by token: Julia line, flash bytes (image builder)
* :mod:`.profile`  cycles per line and per call: one run of main on the simulated board
* :mod:`.trace`    one call, step by step, with the data stack after each word
* :mod:`.explain`  the line-by-line table (rich) and the HTML page
* :mod:`.cli`      the ``explain``, ``trace`` and ``size`` verbs
"""
