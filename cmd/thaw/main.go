// Command thaw is a load and cold-start testing harness for serverless endpoints.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
