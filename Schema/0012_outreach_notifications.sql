-- Consultations and events tell members through the notifications system: a reminder before a
-- consultation closes, a change in one's event registration, a message from the event's staff.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'reply', 'mention', 'post-approved', 'post-rejected', 'document-approved', 'document-rejected', 'flag-resolved',
    'moderation-queue', 'new-sign-in', 'password-changed', 'two-factor-changed', 'session-revoked',
    'consultation-reminder', 'event-registration', 'event-message'
));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_kind_check
    CHECK (subject_kind IN ('topic', 'post', 'document', 'session', 'consultation', 'event'));
