"""Fair share from what really happened (issue 15): outcomes of places, the ledger,
the fairness view and who else could take a place."""
