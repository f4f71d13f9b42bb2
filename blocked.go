package phonelineplus

// BlockedNumbersService handles numbers a customer blocks. Use it as Client.BlockedNumbers.
type BlockedNumbersService service
