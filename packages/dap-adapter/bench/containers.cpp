// dap-adapter benchmark: what VS Code asks to expand two large libstdc++ containers (bench/run.mjs):
// a 1,000-element std::map<std::string, int> and the first page of a 10-million-element vector.
#include <map>
#include <string>
#include <vector>

int main() {
  std::map<std::string, int> m;
  for (int i = 0; i < 1000; i++) m["key" + std::to_string(i)] = i;
  std::vector<int> v(10'000'000);
  for (size_t i = 0; i < v.size(); i++) v[i] = static_cast<int>(i);
  asm volatile("" : : "r"(&m), "r"(&v) : "memory");
  return 0; /* breakpoint */
}
