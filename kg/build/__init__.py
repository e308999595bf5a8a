"""Building the graph, the one part of kg that writes a build.

- ``pipeline``: ``kg build``, sources → provision trees → RDF → SHACL check → new store, swapped in;
- ``extraction``: obligation extraction inside the build, in parallel and cached on disk;
- ``theme_inputs``: what the build hands the theme classifier, computed from the sources alone;
- ``membership_imports``: membership lists users bring, validated, kept, and the rebuild they trigger.
"""
