package phonelineplus

// ProductsService handles the hardware catalogue. Use it as Client.Products.
type ProductsService service
