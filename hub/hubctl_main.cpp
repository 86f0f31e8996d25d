// hubctl: see hub/hubctl.h.
#include <iostream>
#include <string>
#include <vector>

#include "core/base/crypto.h"
#include "hub/hubctl.h"

int main(int argc, char** argv) {
    if (auto s = alerthub::crypto_init(); !s) {
        std::cerr << "hubctl: " << s.error().message << "\n";
        return 1;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    return alerthub::hub::run_hubctl(args, std::cout, std::cerr);
}
