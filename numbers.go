package phonelineplus

// NumbersService handles customer phone numbers and the available-number pool. Use it as Client.Numbers.
type NumbersService service
