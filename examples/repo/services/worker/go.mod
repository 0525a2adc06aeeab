module example.com/payments/worker

go 1.21

require (
	github.com/google/uuid v1.6.0
	golang.org/x/text v0.3.7
)

require golang.org/x/sys v0.15.0 // indirect
