"""The fair-share ledger: per person and domain, the effort done, missed and covered,
the days present, and the balance against a fair share prorated by presence (issue 15).
Derived from the outcomes of places; generation and the fairness view read it."""
