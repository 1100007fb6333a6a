-- The indexed columns of a log are named for what they are to any kind of log, not for the
-- lettings answers they first held (ADR 0012): the form's `log` description says which answer
-- fills each (lettings: needstype, startdate, tenancycode, propcode; sales: ownershipsch,
-- saledate, purchid, none).
ALTER TABLE logs RENAME COLUMN needstype TO category;
ALTER TABLE logs RENAME COLUMN startdate TO log_date;
ALTER TABLE logs RENAME COLUMN tenancycode TO reference;
ALTER TABLE logs RENAME COLUMN propcode TO property_reference;
