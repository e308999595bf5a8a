"""Obligations and the actors they bind: deontic extraction over the provision trees.

``extract`` runs the pipeline over a parsed instrument; ``deontic`` analyses one parsed
sentence; ``actors`` maps bearer phrases to canonical actors; ``references`` resolves
cross-references to provision ids.
"""

EXTRACTOR_VERSION = "1.0.0"
