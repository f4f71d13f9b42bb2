package phonelineplus

// StatsService handles partner-wide statistics. Use it as Client.Stats.
type StatsService service
