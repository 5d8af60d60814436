DROP TABLE registration_attempts;

ALTER TABLE user_sessions
    DROP COLUMN rotated_at,
    DROP COLUMN previous_token_hash;
