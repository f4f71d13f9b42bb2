package phonelineplus

// UsersService handles a customer's users. Use it as Client.Users.
type UsersService service
