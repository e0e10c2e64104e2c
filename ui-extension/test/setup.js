// Times are formatted in local time: the tests read them in UTC.
process.env.TZ = 'UTC';
