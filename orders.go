package phonelineplus

// OrdersService handles hardware orders. Use it as Client.Orders.
type OrdersService service
