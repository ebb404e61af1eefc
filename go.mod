module github.com/idgate/idgate

go 1.26.8
