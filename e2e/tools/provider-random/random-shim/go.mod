// Our own tiny module. Its path sits under the upstream module path so that,
// by Go's "internal" rule, it may import the upstream internal/provider
// package that holds the plugin-framework provider constructor.
module github.com/terraform-providers/terraform-provider-random/shim

go 1.25.8

require github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260513075824-f8d869dc98d9
