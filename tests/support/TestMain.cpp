// Driver shared by every test executable: runs the registered CppUnit
// suites, prints each test as it runs, exits non-zero on any failure.
// An optional argument runs only the tests whose name contains it.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>

int main(int argc, char** argv)
{
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);
    CppUnit::TestRunner runner;
    CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
    runner.addTest(all);
    try {
        runner.run(controller, argc > 1 ? argv[1] : "");
    } catch (const std::invalid_argument& e) {
        std::cerr << "no test named " << argv[1] << ": " << e.what() << "\n";
        return 2;
    }
    CppUnit::CompilerOutputter out(&result, std::cerr);
    out.write();
    return result.wasSuccessful() ? 0 : 1;
}
