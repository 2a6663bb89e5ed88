// A listening address (external_address, internal_address) is taken by
// another socket, another jiffyd say. The host maps it to exit 69 with the
// message as it is ("internal_address 127.0.0.1:7070: already in use").
#pragma once

#include <stdexcept>

namespace jiffy::host {

class AddressInUse : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace jiffy::host
