package phonelineplus

// PartnerUsersService handles the partner's portal users. Use it as Client.PartnerUsers.
type PartnerUsersService service
