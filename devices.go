package phonelineplus

// DevicesService handles users' desk phones and softphone registrations. Use it as Client.Devices.
type DevicesService service
