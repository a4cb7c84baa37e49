-- The words similar to a query's are now looked up inside the search statement itself (decision 034):
-- the function called for them in a round trip of its own is no longer used.
DROP FUNCTION IF EXISTS similar_search_terms(text[], text[], int);
