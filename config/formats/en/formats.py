# The English interface keeps the portal's Vietnamese formats: dates dd/mm/yyyy, "," for decimals,
# "." for thousands. Officers type the same figures and dates whatever the interface language, the
# documents and exports are the same, and the criteria's live check (static/js/criteria.js) reads
# a decimal comma.
from config.formats.vi.formats import *  # noqa: F401,F403
