// Compiled by tests/layering with REGIONKV_PROBE_HEADER set to one header, in
// the include context of one layer: whether that layer can see it.
#include REGIONKV_PROBE_HEADER

int regionkv_layering_probe() { return 0; }
