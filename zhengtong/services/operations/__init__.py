"""Operations on online applications and their cases (办件), one module per side:
the online form (`online_form`), the applicant's side (`applicant`), the unit's
handling (`handling`) and the ratings (`ratings`); `services/cases.py` re-exports
them for every caller."""
