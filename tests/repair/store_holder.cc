// A second process for the repair tests: holds a store open.
//
//   regionkv-store-holder STORE_DIR
//
// Opens the store, prints "open", and keeps it open until its standard input
// ends or gives a line; then closes it and exits 0 (1 if it cannot open it).
#include <iostream>
#include <string>

#include "regionkv/regionkv.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: regionkv-store-holder STORE_DIR\n";
    return 2;
  }
  try {
    auto store = regionkv::Store::open(argv[1]);
    std::cout << "open" << std::endl;
    std::string line;
    std::getline(std::cin, line);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
