DROP TABLE calendar_feeds;
DROP TABLE notification_preferences;
DROP TABLE notification_attempts;
DROP TABLE notification_deliveries;
DROP TABLE notification_events;
DROP TABLE notification_channels;
