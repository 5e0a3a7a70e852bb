// Stores, reopens and reads a value through the installed headers and library.
#include <regionkv/regionkv.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  {
    auto store = regionkv::Store::open(argv[1]);
    store->region("consumer").configure({});
    store->region("consumer").set("greeting", "hello from an installed regionkv");
  }
  auto store = regionkv::Store::open(argv[1]);
  store->region("consumer").configure({});
  std::cout << store->region("consumer").get("greeting") << "\n";
  return 0;
}
