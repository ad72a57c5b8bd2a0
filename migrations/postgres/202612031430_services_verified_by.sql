-- Segregation of duties (ASVS 4.3.3): who verified an application and sent it for signature, so
-- that the same person, should they also hold the signer role, cannot approve it. Filled from the
-- history for applications already waiting for a signature.
ALTER TABLE applications ADD COLUMN verified_by TEXT;
UPDATE applications SET verified_by = (
    SELECT e.actor_id FROM application_events e
    WHERE e.application_id = applications.id AND e.status = 'awaiting_signature'
    ORDER BY e.at_ms DESC, e.id DESC LIMIT 1
) WHERE status = 'awaiting_signature';
