"""The shared core of the book: what every chapter builds on.

Data (:mod:`.data`), the model and its loss (:mod:`.model`), gradient descent
with one run helper (:mod:`.descent`), numerical differentiation
(:mod:`.numdiff`), the symbolic set-up of the loss (:mod:`.symbolic`),
checked derivations (:mod:`.steps`), exercises (:mod:`.exercises`), number
formatting (:mod:`.fmt`), the figure style (:mod:`.plotting`) and the
registry chapters declare themselves with (:mod:`.registry`).

Nothing here imports a chapter.
"""
