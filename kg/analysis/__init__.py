"""The analyses: what the graph says about coherence, read from a build.

- ``themes``: the theme classifier (run by the build; its outputs sit beside the search index);
- ``coherence``: the theme coverage matrix, candidate gaps and a provision's nearest equivalents;
- ``gaps``: is the financial sector on each anti-trafficking coordinating body?
- ``financial_reach``: what an instrument asks of the financial sector, and what it leaves out;
- ``scorecard``: a jurisdiction against the FAST briefing's four recommendations;
- ``report``: print-ready HTML of the scorecard, the matrix and a comparison.
"""
